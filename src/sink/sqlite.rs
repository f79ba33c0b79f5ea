/*! sqlite output of event records. (Placeholder; being written.) */
