import PostgresNIO
print("stub")
