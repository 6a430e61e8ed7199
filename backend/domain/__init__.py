"""Domain areas: each has its service (I/O) and controllers (HTTP); pure rules live in backend.rules."""
