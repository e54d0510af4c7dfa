"""The commons: shared resources, their rules as data, bookings, monitoring and sanctions."""
