"""The study's answer: the summary table over runs and seeds, the picks and their Welch tests, time to
threshold, the leaderboard, the Markdown report and the figures (one registry, `figures.FIGURES`).

Layer 4: imports the layers below (foundation, data, evaluation, training) and reads the runs'
files; never the pipeline. Nothing below imports it, so editing a figure reruns only plots and report.
"""
