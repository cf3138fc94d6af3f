"""The only place that joins the stages: a day, a week, a range of days, a batch, the
checks of an archive, and the doctor. Imports the ground floor, config, sources, summarize,
store and digest."""
