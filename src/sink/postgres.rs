/*! postgres output of event records. (Placeholder; being written.) */
