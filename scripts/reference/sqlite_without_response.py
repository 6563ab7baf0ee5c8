"""Writes a SQLite database at the path given that has the legacy accident file's police table and lacks its
response table (Tests/EndToEndTests/BadInputTests.swift: the load must name the missing table).
"""
import sqlite3
import sys

connection = sqlite3.connect(sys.argv[1])
connection.execute("CREATE TABLE police (acc_i, police_force, did_police_officer_attend_scene_of_accident)")
connection.commit()
