"""Domain areas: services (I/O) and controllers (HTTP); pure rules live in backend.rules."""
