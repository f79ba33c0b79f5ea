/*! csv output of event records. (Placeholder; being written.) */
