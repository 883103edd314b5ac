// The pod sandbox ("pause") image of the embedded stack's real nodes, built here from source
// because nothing can be pulled from a public registry on the Sluice machines.
module sluice.dev/tools/k8s/pause

go 1.22
