"""How Rasa is started and served for this product (docs/serving.md): the entry point
(`python -m serving`), the Rasa patches it applies (rasa_patches, with server_tuning and
action_fallback), the warnings it filters by module (known_warnings), and the parts Rasa loads
by module path from config.yml and endpoints*.yml (crf_extractor, tracker_store, lock_store)."""
