"""Processing: the pipeline stages over stored documents, and the queues that run them."""
