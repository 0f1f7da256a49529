"""The REST API's shared parts: personal tokens, errors, pagination and the schema."""
