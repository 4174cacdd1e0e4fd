module example.com/pgodrift/fixtures

go 1.21
