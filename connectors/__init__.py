"""The project's Rasa channel connectors: thin subclasses of Rasa's own, named in
credentials.yml, each changing only what the product needs (security, API base URLs)."""
