// `sqlx::migrate!` embeds the migrations when this crate compiles; Cargo does not know that it
// reads these folders, so tell it, or a new migration would be missing until the next edit.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
