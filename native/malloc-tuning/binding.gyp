{
  "targets": [
    {
      "target_name": "malloc_tuning",
      "sources": ["src/malloc_tuning.c"]
    }
  ]
}
