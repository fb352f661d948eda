namespace ClaudeOrchestration.Rag.VectorStores.Hybrid;

/// <summary>
/// M. F. Porter's 1980 suffix-stripping stemmer ("An algorithm for suffix stripping", Program 14(3)), after his reference C
/// implementation: the stemmer SQLite FTS5's <c>porter</c> tokenizer uses, so both embedded stores fold words alike.
/// Lower-case ASCII words only; anything else (digits, accents, other scripts) is returned unchanged.
/// </summary>
internal static class PorterStemmer
{
    private const int MaxLength = 64;

    /// <summary>The stem of <paramref name="word"/> (lower case).</summary>
    public static string Stem(string word)
    {
        if (word.Length <= 2 || word.Length > MaxLength)
        {
            return word;
        }

        foreach (var c in word)
        {
            if (c is < 'a' or > 'z')
            {
                return word;
            }
        }

        Span<char> buffer = stackalloc char[word.Length];
        word.AsSpan().CopyTo(buffer);
        var stemmer = new Buffer(buffer);
        stemmer.Step1Ab();
        if (stemmer.K > 0)
        {
            stemmer.Step1C();
            stemmer.Step2();
            stemmer.Step3();
            stemmer.Step4();
            stemmer.Step5();
        }

        var stem = buffer[..(stemmer.K + 1)];
        return stem.SequenceEqual(word) ? word : new string(stem);
    }

    /// <summary>The word being stemmed: <c>b[0..K]</c> is the current stem, <c>J</c> the end of the part a suffix test left.</summary>
    private ref struct Buffer(Span<char> b)
    {
        private readonly Span<char> _b = b;
        private int _j;

        public int K { get; private set; } = b.Length - 1;

        // Step 1ab: plurals and -ed or -ing.
        public void Step1Ab()
        {
            if (_b[K] == 's')
            {
                if (Ends("sses"))
                {
                    K -= 2;
                }
                else if (Ends("ies"))
                {
                    SetTo("i");
                }
                else if (_b[K - 1] != 's')
                {
                    K--;
                }
            }

            if (Ends("eed"))
            {
                if (Measure() > 0)
                {
                    K--;
                }
            }
            else if ((Ends("ed") || Ends("ing")) && VowelInStem())
            {
                K = _j;
                if (Ends("at"))
                {
                    SetTo("ate");
                }
                else if (Ends("bl"))
                {
                    SetTo("ble");
                }
                else if (Ends("iz"))
                {
                    SetTo("ize");
                }
                else if (DoubleConsonant(K))
                {
                    K--;
                    if (_b[K] is 'l' or 's' or 'z')
                    {
                        K++;
                    }
                }
                else if (Measure() == 1 && Cvc(K))
                {
                    SetTo("e");
                }
            }
        }

        // Step 1c: terminal y to i when there is another vowel in the stem.
        public void Step1C()
        {
            if (Ends("y") && VowelInStem())
            {
                _b[K] = 'i';
            }
        }

        // Step 2: double suffixes to single ones (-ization = -ize + -ation → -ize), when the stem's measure is above 0.
        public void Step2()
        {
            _ = _b[K - 1] switch
            {
                'a' => Replace("ational", "ate") || Replace("tional", "tion"),
                'c' => Replace("enci", "ence") || Replace("anci", "ance"),
                'e' => Replace("izer", "ize"),
                'l' => Replace("bli", "ble") || Replace("alli", "al") || Replace("entli", "ent") || Replace("eli", "e") || Replace("ousli", "ous"),
                'o' => Replace("ization", "ize") || Replace("ation", "ate") || Replace("ator", "ate"),
                's' => Replace("alism", "al") || Replace("iveness", "ive") || Replace("fulness", "ful") || Replace("ousness", "ous"),
                't' => Replace("aliti", "al") || Replace("iviti", "ive") || Replace("biliti", "ble"),
                'g' => Replace("logi", "log"),
                _ => false,
            };
        }

        // Step 3: -ic-, -full, -ness and the like.
        public void Step3()
        {
            _ = _b[K] switch
            {
                'e' => Replace("icate", "ic") || Replace("ative", string.Empty) || Replace("alize", "al"),
                'i' => Replace("iciti", "ic"),
                'l' => Replace("ical", "ic") || Replace("ful", string.Empty),
                's' => Replace("ness", string.Empty),
                _ => false,
            };
        }

        // Step 4: -ant, -ence and the like, when the measure is above 1.
        public void Step4()
        {
            var found = _b[K - 1] switch
            {
                'a' => Ends("al"),
                'c' => Ends("ance") || Ends("ence"),
                'e' => Ends("er"),
                'i' => Ends("ic"),
                'l' => Ends("able") || Ends("ible"),
                'n' => Ends("ant") || Ends("ement") || Ends("ment") || Ends("ent"),
                'o' => (Ends("ion") && _j >= 0 && _b[_j] is 's' or 't') || Ends("ou"),
                's' => Ends("ism"),
                't' => Ends("ate") || Ends("iti"),
                'u' => Ends("ous"),
                'v' => Ends("ive"),
                'z' => Ends("ize"),
                _ => false,
            };
            if (found && Measure() > 1)
            {
                K = _j;
            }
        }

        // Step 5: a final -e when the measure is above 1, and -ll to -l.
        public void Step5()
        {
            _j = K;
            if (_b[K] == 'e')
            {
                var measure = Measure();
                if (measure > 1 || (measure == 1 && !Cvc(K - 1)))
                {
                    K--;
                }
            }

            if (_b[K] == 'l' && DoubleConsonant(K) && Measure() > 1)
            {
                K--;
            }
        }

        private readonly bool IsConsonant(int i) => _b[i] switch
        {
            'a' or 'e' or 'i' or 'o' or 'u' => false,
            'y' => i == 0 || !IsConsonant(i - 1),
            _ => true,
        };

        // The number of vowel-consonant sequences in b[0.._j].
        private readonly int Measure()
        {
            var n = 0;
            var i = 0;
            while (true)
            {
                if (i > _j)
                {
                    return n;
                }

                if (!IsConsonant(i))
                {
                    break;
                }

                i++;
            }

            i++;
            while (true)
            {
                while (true)
                {
                    if (i > _j)
                    {
                        return n;
                    }

                    if (IsConsonant(i))
                    {
                        break;
                    }

                    i++;
                }

                i++;
                n++;
                while (true)
                {
                    if (i > _j)
                    {
                        return n;
                    }

                    if (!IsConsonant(i))
                    {
                        break;
                    }

                    i++;
                }

                i++;
            }
        }

        private readonly bool VowelInStem()
        {
            for (var i = 0; i <= _j; i++)
            {
                if (!IsConsonant(i))
                {
                    return true;
                }
            }

            return false;
        }

        private readonly bool DoubleConsonant(int i) => i >= 1 && _b[i] == _b[i - 1] && IsConsonant(i);

        // Consonant-vowel-consonant ending at i, the last consonant not w, x or y (hop → hope, but not snow → snowe).
        private readonly bool Cvc(int i) =>
            i >= 2 && IsConsonant(i) && !IsConsonant(i - 1) && IsConsonant(i - 2) && _b[i] is not ('w' or 'x' or 'y');

        // Whether b[0..K] ends with the suffix; sets _j to the index before it.
        private bool Ends(string suffix)
        {
            var length = suffix.Length;
            if (length > K + 1 || _b[K] != suffix[^1] || !_b.Slice(K - length + 1, length).SequenceEqual(suffix))
            {
                return false;
            }

            _j = K - length;
            return true;
        }

        private void SetTo(string replacement)
        {
            replacement.AsSpan().CopyTo(_b[(_j + 1)..]);
            K = _j + replacement.Length;
        }

        // When b ends with the suffix: replaces it if the measure before it is above 0, and reports a match either way
        // (the reference implementation stops at the first matching suffix of a step).
        private bool Replace(string suffix, string replacement)
        {
            if (!Ends(suffix))
            {
                return false;
            }

            if (Measure() > 0)
            {
                SetTo(replacement);
            }

            return true;
        }
    }
}
