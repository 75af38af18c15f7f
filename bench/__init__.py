"""`make bench`: the bot's quality and speed, measured (see `python -m bench --help`)."""
