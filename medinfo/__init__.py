"""Pure-Python core of the bot: parse articles, build the knowledge file, answer from it.

Nothing here imports Rasa, so it is tested fast and reused by the Rasa adapters in `actions/`.
"""
