package browser

// The protocol conversations start here, one per status class; each
// lives in its own file.
