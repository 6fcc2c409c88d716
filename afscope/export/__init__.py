"""Export chosen sentences to Markdown (for notes and papers) or JSON lines (for scripts)."""
