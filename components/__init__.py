"""Custom Rasa graph components that `config.yml` names."""
