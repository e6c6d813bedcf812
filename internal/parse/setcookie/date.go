package setcookie

import (
	"strings"
	"time"
)

// ParseDate reads a cookie-date by RFC 6265bis §5.1.1, the lenient
// algorithm browsers use for Expires: tokens between delimiters are matched
// to a time, a day of month, a month and a year, each taken once, in that
// order of preference; anything else is skipped.
func ParseDate(s string) (time.Time, bool) {
	var (
		hour, minute, second, day, year int
		month                           time.Month
		haveTime, haveDay, haveMonth    bool
		haveYear                        bool
	)
	for _, tok := range strings.FieldsFunc(s, isDateDelimiter) {
		if !haveTime {
			if h, m, sec, ok := dateTime(tok); ok {
				hour, minute, second, haveTime = h, m, sec, true
				continue
			}
		}
		if !haveDay {
			if n, ok := leadingDigits(tok, 1, 2); ok {
				day, haveDay = n, true
				continue
			}
		}
		if !haveMonth {
			if m, ok := dateMonth(tok); ok {
				month, haveMonth = m, true
				continue
			}
		}
		if !haveYear {
			if n, ok := leadingDigits(tok, 2, 4); ok {
				year, haveYear = n, true
				continue
			}
		}
	}
	switch {
	case year >= 70 && year <= 99:
		year += 1900
	case year >= 0 && year <= 69:
		year += 2000
	}
	if !haveTime || !haveDay || !haveMonth || !haveYear ||
		day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, minute, second, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // no such day in that month (§5.1.1 step 6)
	}
	return t, true
}

// isDateDelimiter is §5.1.1's delimiter: %x09 / %x20-2F / %x3B-40 /
// %x5B-60 / %x7B-7E.
func isDateDelimiter(r rune) bool {
	switch {
	case r == 0x09, r >= 0x20 && r <= 0x2f, r >= 0x3b && r <= 0x40, r >= 0x5b && r <= 0x60, r >= 0x7b && r <= 0x7e:
		return true
	}
	return false
}

// leadingDigits reads min to max digits at the start of tok that are not
// followed by another digit (§5.1.1: 1*2DIGIT [ non-digit *OCTET ]).
func leadingDigits(tok string, min, max int) (int, bool) {
	n, i := 0, 0
	for i < len(tok) && tok[i] >= '0' && tok[i] <= '9' {
		if i == max {
			return 0, false
		}
		n = n*10 + int(tok[i]-'0')
		i++
	}
	return n, i >= min
}

// dateTime reads hms-time: three fields of one or two digits separated by
// ':', optionally followed by a non-digit and anything.
func dateTime(tok string) (h, m, s int, ok bool) {
	var fields [3]int
	rest := tok
	for i := range fields {
		j := 0
		for j < len(rest) && j < 3 && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == 0 || j > 2 {
			return 0, 0, 0, false
		}
		for _, c := range rest[:j] {
			fields[i] = fields[i]*10 + int(c-'0')
		}
		rest = rest[j:]
		if i < 2 {
			if rest == "" || rest[0] != ':' {
				return 0, 0, 0, false
			}
			rest = rest[1:]
		}
	}
	if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		return 0, 0, 0, false
	}
	return fields[0], fields[1], fields[2], true
}

var months = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// dateMonth matches a token that starts with a month's three letters.
func dateMonth(tok string) (time.Month, bool) {
	if len(tok) < 3 {
		return 0, false
	}
	p := strings.ToLower(tok[:3])
	for i, m := range months {
		if p == m {
			return time.Month(i + 1), true
		}
	}
	return 0, false
}
