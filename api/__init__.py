"""The API's shared kernel: errors, pagination, the base viewset, filters and the schema."""
