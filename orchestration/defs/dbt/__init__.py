"""defs/dbt"""
