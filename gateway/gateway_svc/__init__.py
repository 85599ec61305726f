"""gateway: routes /api/v1/<area>/... to the owning service; nothing persistent."""
