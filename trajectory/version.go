package trajectory

// Version is trajkit's version, written into model.json.
const Version = "0.1.0"
