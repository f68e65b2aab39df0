package drift

// AutoMethod is Evidently's default method choice for one column. unique
// counts distinct values over reference and current together; refCount is
// the reference's non-missing values.
func AutoMethod(numeric bool, refCount, unique int) string {
	if refCount <= 1000 {
		switch {
		case numeric && unique > 5:
			return "ks"
		case unique > 2:
			return "chisquare"
		default:
			return "z"
		}
	}
	if numeric && unique > 5 {
		return "wasserstein"
	}
	return "jensenshannon"
}
