"""The workshop kit: the instructor guide's timings and agendas (agendas, from agendas.yml), the
learner handout (handout, from handout.yml) and the reveal.js slide decks (slides)."""
