"""Parts the Rasa server loads by module path (endpoints.yml, credentials.yml) where Rasa's own
need a fix for this product: an atomic Redis lock store and a fallback for custom actions."""
