//! Many documents at once: [`Extractor::extract_batch`] and
//! [`Extractor::analyze_batch`], spread over the cores with the `rayon`
//! feature (on by default), one after the other without it.

use crate::{Analysis, Extractor, Quote};

#[cfg(feature = "rayon")]
use rayon::prelude::*;

impl Extractor {
    /// Finds the quotations of every text in `texts`: one list per text, in
    /// input order, each exactly what [`Extractor::extract`] returns for
    /// that text.
    ///
    /// With the cargo feature `rayon` (a default feature) the documents are
    /// spread over rayon's global thread pool, one task per document, so a
    /// batch runs on every core; call it inside
    /// `rayon::ThreadPool::install` to use a pool of your own (to cap the
    /// threads, say). Without the feature the documents are processed one
    /// after the other on the calling thread. Each document is processed
    /// by one thread, so a single long document gains nothing: the speed-up
    /// comes from having many documents.
    ///
    /// Like [`Extractor::extract`], this never panics on any input and never
    /// fails.
    ///
    /// ```
    /// use whosaid::Extractor;
    ///
    /// let texts = [
    ///     "“We open on Monday,” said Mira Olsen.",
    ///     "No quotations here.",
    ///     "The council said it would pay for repairs.",
    /// ];
    /// let ex = Extractor::new();
    /// let all = ex.extract_batch(&texts);
    ///
    /// assert_eq!(all.len(), 3); // one list per text, in input order
    /// assert_eq!(all[0][0].text, "We open on Monday,");
    /// assert!(all[1].is_empty());
    /// assert_eq!(all[2][0].text, "it would pay for repairs");
    /// for (text, quotes) in texts.iter().zip(&all) {
    ///     assert_eq!(quotes, &ex.extract(text));
    /// }
    /// ```
    pub fn extract_batch(&self, texts: &[&str]) -> Vec<Vec<Quote>> {
        map_batch(texts, |text| self.extract(text))
    }

    /// [`Extractor::analyze`] for every text in `texts`, in input order,
    /// spread over the cores as in [`Extractor::extract_batch`].
    ///
    /// ```
    /// let ex = whosaid::Extractor::new();
    /// let all = ex.analyze_batch(&["“Fine,” said Ola Berg. “Really,” she added.", ""]);
    /// assert_eq!(all[0].speakers.len(), 1);
    /// assert_eq!(all[0].speakers[0].name, "Ola Berg");
    /// assert!(all[1].quotes.is_empty());
    /// ```
    pub fn analyze_batch(&self, texts: &[&str]) -> Vec<Analysis> {
        map_batch(texts, |text| self.analyze(text))
    }
}

/// `f` over `texts`, in order: in parallel with the `rayon` feature.
fn map_batch<T, F>(texts: &[&str], f: F) -> Vec<T>
where
    T: Send,
    F: Fn(&str) -> T + Sync + Send,
{
    #[cfg(feature = "rayon")]
    {
        // One task per document: documents differ in length by orders of
        // magnitude, and work stealing evens that out. An indexed parallel
        // iterator collects in input order.
        texts.par_iter().with_max_len(1).map(|t| f(t)).collect()
    }
    #[cfg(not(feature = "rayon"))]
    {
        texts.iter().map(|t| f(t)).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::Extractor;

    #[test]
    fn batch_matches_one_by_one_in_order() {
        let ex = Extractor::new();
        let base = [
            "“We open on Monday,” said Mira Olsen.",
            "Council leader Margit Solberg said the decision was painful.",
            "",
            "No quotations here at all.",
            "“A,” she said, “B.”",
        ];
        // Enough documents that several threads take part.
        let texts: Vec<&str> = (0..200).map(|i| base[i % base.len()]).collect();
        let batch = ex.extract_batch(&texts);
        assert_eq!(batch.len(), texts.len());
        for (t, quotes) in texts.iter().zip(&batch) {
            assert_eq!(quotes, &ex.extract(t));
        }
        let analyses = ex.analyze_batch(&texts);
        for (t, a) in texts.iter().zip(&analyses) {
            assert_eq!(a, &ex.analyze(t));
        }
        assert!(ex.extract_batch(&[]).is_empty());
    }
}
