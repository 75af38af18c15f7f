"""What the clinic that runs the bot needs: the report of what people asked (and could not
get), feedback on answers, retention and erasure of conversations.

Pure logic (no Rasa, no database): figures.py, gaps.py, redact.py, render.py, dialogue.py.
Adapters: store.py (SQL on Rasa's `events` table), tracker_store.py (the Rasa server's store),
http.py (the operator's endpoint), cli.py (`make report`, `make prune`, `make forget`).
"""
