"""defs/automation"""
