print("sslmatrix")
