module propus

go 1.26.8

require (
	github.com/adrg/xdg v0.5.3
	golang.org/x/net v0.62.0
)

require (
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
