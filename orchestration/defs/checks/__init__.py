"""defs/checks"""
