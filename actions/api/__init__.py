"""The REST API over actions and their history: serializers and viewsets."""
