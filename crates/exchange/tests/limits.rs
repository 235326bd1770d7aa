//! The readers' resource limits against files built to exhaust them: a PDF that inflates to a
//! gigabyte, a report of many thousand headings, a definitions folder with links in a circle.
//! Each is refused, or read, in bounded time and memory.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use uppfolj_exchange::definitions;
use uppfolj_exchange::report::{self, ReadError};
use uppfolj_model::Definitions;

/// Counts the bytes each thread holds, and the most it has held, so that a test can say how
/// much memory a reader took (a reader works on the caller's thread).
struct Counting;

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(change: isize) {
    let _ = HELD.try_with(|held| {
        held.set(held.get() + change);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(held.get())));
    });
}

// SAFETY: every call is passed to the system allocator unchanged; only the sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            count(layout.size() as isize);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, size) };
        if !moved.is_null() {
            count(size as isize - layout.size() as isize);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What `work` returns, how long it took and the most memory it held beyond what was held before.
fn measured<T>(work: impl FnOnce() -> T) -> (T, Duration, usize) {
    let before = HELD.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let start = Instant::now();
    let result = work();
    let elapsed = start.elapsed();
    let peak = PEAK.with(Cell::get) - before;
    (result, elapsed, peak.max(0) as usize)
}

const MIB: usize = 1 << 20;

/// A zlib stream of `mib` MiB of zero bytes, made without inflating them here: one MiB is
/// compressed after another ending on a byte boundary, and the second MiB's bytes (which decode
/// to zeros after any zeros) are repeated.
fn zeros_zlib(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; MIB];
    let mut compressor = Compress::new(Compression::default(), true);
    let mut chunk = |input: &[u8], flush| {
        let mut out = Vec::with_capacity(MIB);
        let before = compressor.total_in();
        compressor.compress_vec(input, &mut out, flush).unwrap();
        assert_eq!(compressor.total_in() - before, input.len() as u64);
        out
    };
    let first = chunk(&zeros, FlushCompress::Sync);
    let repeated = chunk(&zeros, FlushCompress::Sync);
    let mut end = chunk(&[], FlushCompress::Finish);
    // The checksum of the whole: Adler-32 of n zero bytes is (n mod 65521) << 16 | 1.
    let n = (mib * MIB) as u64 % 65521;
    end.truncate(end.len() - 4);
    end.extend_from_slice(&((n << 16 | 1) as u32).to_be_bytes());
    let mut stream = first;
    for _ in 1..mib {
        stream.extend_from_slice(&repeated);
    }
    stream.extend_from_slice(&end);
    stream
}

/// A PDF of the objects given (object 1 the catalogue), with a classic cross-reference table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "<< {dictionary} /Filter /FlateDecode /Length {} >>\nstream\n",
        data.len()
    )
    .into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn object(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// A one-page PDF whose inflating gigabyte sits where `place` says.
fn bomb(place: &str) -> Vec<u8> {
    let gigabyte = zeros_zlib(1024);
    let catalogue = "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names \
                     [(uppfolj-rapport.json) 5 0 R] >> >> >>";
    let mut objects = vec![
        object(catalogue),
        object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"),
    ];
    let small = zeros_zlib(1);
    let [content, attachment, object_stream] = match place {
        "page" => [&gigabyte, &small, &small],
        "attachment" => [&small, &gigabyte, &small],
        _ => [&small, &small, &gigabyte],
    };
    objects.push(stream("", content));
    objects.push(object(
        "<< /Type /Filespec /F (uppfolj-rapport.json) /UF (uppfolj-rapport.json) \
         /EF << /F 6 0 R >> >>",
    ));
    objects.push(stream("/Type /EmbeddedFile", attachment));
    objects.push(stream("/Type /ObjStm /N 1 /First 4", object_stream));
    pdf(&objects)
}

#[test]
fn the_bomb_builder_makes_a_stream_that_really_inflates_to_its_size() {
    use std::io::Read;
    let mut inflated = 0u64;
    let stream = zeros_zlib(8);
    let mut decoder = flate2::read::ZlibDecoder::new(&stream[..]);
    let mut buffer = vec![0; MIB];
    loop {
        let n = decoder
            .read(&mut buffer)
            .expect("a valid zlib stream, checksum and all");
        if n == 0 {
            break;
        }
        assert!(buffer[..n].iter().all(|&b| b == 0));
        inflated += n as u64;
    }
    assert_eq!(inflated, 8 * MIB as u64);
}

#[test]
fn a_pdf_that_inflates_to_a_gigabyte_is_refused_fast_and_in_little_memory() {
    for place in ["page", "attachment", "object stream"] {
        let file = bomb(place);
        assert!(
            file.len() < 2 * MIB,
            "{place}: a small file ({} bytes)",
            file.len()
        );
        let (read, elapsed, peak) = measured(|| report::read_pdf(&file));
        match read {
            Err(ReadError::TooLarge(_)) => {}
            other => panic!("{place}: refused as too large, not {other:?}"),
        }
        assert!(
            peak < 64 * MIB,
            "{place}: held {} MiB while refusing",
            peak / MIB
        );
        assert!(
            elapsed < Duration::from_secs(20),
            "{place}: refused after {elapsed:?}"
        );
        let message = report::read_pdf(&file).unwrap_err().to_string();
        assert!(message.contains("för stor"), "{message}");
    }
}

/// A report of `sections` sections, each with a heading of its own and one answered question;
/// with `one_slug`, every heading and question makes the same key (they differ only in
/// punctuation), so that every key after the first needs a number.
fn long_report(sections: usize, one_slug: bool) -> String {
    let mut text = String::from("1 Programmet för prov 2024\n\n");
    let marks = ['!', '?', '#', '%', '&', '*', '+', ';', '='];
    for i in 0..sections {
        let (a, b) = (i / 900 + 1, i % 900 + 1);
        let tag = if one_slug {
            let mut n = i;
            let mut tag = String::new();
            loop {
                tag.push(marks[n % marks.len()]);
                n /= marks.len();
                if n == 0 {
                    break tag;
                }
            }
        } else {
            i.to_string()
        };
        if b == 1 {
            text.push_str(&format!("1.{a} Del {a}\n\n"));
        }
        text.push_str(&format!(
            "1.{a}.{b} Målområde {tag}\n\nUppföljningsfrågor Svarsalternativ med kommentar\n\n\
             Har ni gjort {tag}?\n\n Ja \n\n"
        ));
    }
    text
}

/// How long reading and planning `text` takes, the best of three.
fn planning_time(text: &str) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            let parsed = report::parse(text).unwrap();
            let plan =
                report::plan_import(&parsed, &Definitions::default(), "Prövonämnden", "2024")
                    .unwrap();
            let all = plan
                .definitions
                .clone()
                .with_fallback(Definitions::default());
            assert!(all.validate().is_empty(), "the plan is valid");
            start.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn a_report_four_times_as_long_takes_about_four_times_as_long_to_import() {
    for one_slug in [false, true] {
        let short = planning_time(&long_report(1_000, one_slug));
        let long = planning_time(&long_report(4_000, one_slug));
        // Proportional work gives 4; work growing with the square gives 16.
        let ratio = long.as_secs_f64() / short.as_secs_f64();
        assert!(
            ratio < 9.0,
            "one slug: {one_slug}: 1 000 sections {short:?}, 4 000 sections {long:?}"
        );
    }
}

#[test]
fn every_heading_with_one_slug_gets_its_own_numbered_key() {
    let parsed = report::parse(&long_report(30, true)).unwrap();
    let plan =
        report::plan_import(&parsed, &Definitions::default(), "Prövonämnden", "2024").unwrap();
    let sections = &plan.definitions.documents[0].sections[0].sections;
    let keys: Vec<&str> = sections.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys.len(), 30);
    assert_eq!(keys[0], "malomrade");
    assert_eq!(keys[1], "malomrade-2");
    assert_eq!(keys[29], "malomrade-30");
}

#[cfg(unix)]
#[test]
fn links_in_a_definitions_folder_are_followed_once_and_never_out_of_it() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("other.toml"), "").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("documents")).unwrap();
    std::fs::write(root.join("documents/a.toml"), "").unwrap();
    symlink(root, root.join("documents/back-to-the-top")).unwrap();
    symlink("..", root.join("documents/up")).unwrap();
    symlink(".", root.join("here")).unwrap();
    symlink(root.join("documents/a.toml"), root.join("b.toml")).unwrap();

    let (read, elapsed, _) = measured(|| definitions::read_files(&[root.to_path_buf()]));
    let files = read.expect("links inside the folder are read");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    let names: Vec<PathBuf> = files
        .iter()
        .map(|f| f.path.strip_prefix(root).unwrap().to_owned())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "each file once, by one of its names: {names:?}"
    );

    symlink(outside.path(), root.join("elsewhere")).unwrap();
    let problems = definitions::read_files(&[root.to_path_buf()]).unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 1, "{text:?}");
    assert!(
        text[0].contains("elsewhere") && text[0].contains("länken leder ut ur mappen"),
        "{text:?}"
    );
    // Named directly, a file outside is read: the user chose it.
    let named = definitions::read_files(&[outside.path().join("other.toml")]).unwrap();
    assert_eq!(named.len(), 1);
}
