/*! The regression harness: compare analyses with hand-checked fixture expectations. (Being written.) */
