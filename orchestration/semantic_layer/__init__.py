"""semantic_layer"""
