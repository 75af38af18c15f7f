"""Parts the Rasa server loads by module path (endpoints.yml, config.yml, credentials.yml)
where Rasa's own need a fix for this product: an atomic Redis lock store, a fallback for
custom actions, and the hot-path fixes the benchmark found (server_tuning)."""
