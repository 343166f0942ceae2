"""§11 knowledge graph hub (知识图谱 · 可视化中台): a graph view over the relational tables, queried on demand."""
