"""engines/spark"""
