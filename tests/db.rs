//! Database sinks (written with the events work).
