//! The worker's content-addressed store: deltas and checkpoints by their blake2-256 hash, and the
//! miner's signed attestation report, in a folder under the node's chain data path
//! (`<base-path>/chains/<chain>/gym-worker/`).
//!
//! Files are written to a temporary name and renamed, so a reader never sees half a file. Nothing
//! larger than [`gym_trainer::MAX_CHECKPOINT_BYTES`] is stored or read back: that is also the most the
//! `gym_getDelta` RPC serves.

use super::SignedAttestation;
use gym_trainer::MAX_CHECKPOINT_BYTES;
use std::{
	io,
	path::{Path, PathBuf},
};

/// A content-addressed store of deltas and checkpoints.
#[derive(Debug)]
pub struct Store {
	dir: PathBuf,
}

/// The file name of a hash: 64 lower-case hex digits.
fn file_name(hash: &[u8; 32]) -> String {
	hex::encode(hash)
}

impl Store {
	/// A store in `dir`; the folder is created on the first write.
	pub fn new(dir: PathBuf) -> Self {
		Store { dir }
	}

	/// The folder the store writes to.
	pub fn dir(&self) -> &Path {
		&self.dir
	}

	/// Stores `bytes` under their blake2-256 hash and returns the hash.
	pub fn put(&self, bytes: &[u8]) -> io::Result<[u8; 32]> {
		let hash = gym_trainer::blake2_256(bytes);
		self.put_as(hash, bytes)?;
		Ok(hash)
	}

	/// Stores `bytes` under `hash` without checking that they hash to it. Only the hidden
	/// `--miner-corrupt-deltas` test mode uses it, to serve bytes that do not match a submitted
	/// hash.
	pub fn put_as(&self, hash: [u8; 32], bytes: &[u8]) -> io::Result<()> {
		if bytes.len() > MAX_CHECKPOINT_BYTES {
			return Err(io::Error::new(
				io::ErrorKind::InvalidInput,
				format!(
					"{} bytes is more than the store's limit of {MAX_CHECKPOINT_BYTES}",
					bytes.len()
				),
			));
		}
		self.write_atomically(&file_name(&hash), bytes)
	}

	/// The bytes stored under `hash`, `None` if there are none (or more than
	/// [`MAX_CHECKPOINT_BYTES`]).
	pub fn get(&self, hash: &[u8; 32]) -> io::Result<Option<Vec<u8>>> {
		let path = self.dir.join(file_name(hash));
		match std::fs::metadata(&path) {
			Ok(meta) if meta.len() > MAX_CHECKPOINT_BYTES as u64 => return Ok(None),
			Ok(_) => {}
			Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(e),
		}
		match std::fs::read(&path) {
			Ok(bytes) => Ok(Some(bytes)),
			Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(e) => Err(e),
		}
	}

	/// Saves the miner's signed attestation report (`attestation.json`), so that a restarted
	/// node serves the report whose hash it registered.
	pub fn save_attestation(&self, attestation: &SignedAttestation) -> io::Result<()> {
		let json = serde_json::to_vec_pretty(attestation).map_err(io::Error::other)?;
		self.write_atomically("attestation.json", &json)
	}

	/// The saved attestation report, `None` if there is none or it does not parse.
	pub fn load_attestation(&self) -> Option<SignedAttestation> {
		let bytes = std::fs::read(self.dir.join("attestation.json")).ok()?;
		serde_json::from_slice(&bytes).ok()
	}

	/// Saves the inference provider's accepted receipts (`receipts.scale`), so that a restarted
	/// node still settles what its customers signed.
	pub fn save_receipts(&self, bytes: &[u8]) -> io::Result<()> {
		self.write_atomically("receipts.scale", bytes)
	}

	/// The saved receipts' bytes, `None` if there are none.
	pub fn load_receipts(&self) -> Option<Vec<u8>> {
		std::fs::read(self.dir.join("receipts.scale")).ok()
	}

	fn write_atomically(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
		std::fs::create_dir_all(&self.dir)?;
		let tmp = self.dir.join(format!(".{name}.tmp"));
		std::fs::write(&tmp, bytes)?;
		std::fs::rename(&tmp, self.dir.join(name))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn temp_store(name: &str) -> Store {
		let dir = std::env::temp_dir().join(format!("gym-store-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		Store::new(dir)
	}

	#[test]
	fn bytes_come_back_under_their_blake2_hash() {
		let store = temp_store("roundtrip");
		let hash = store.put(b"delta").unwrap();
		assert_eq!(hash, sp_io::hashing::blake2_256(b"delta"));
		assert_eq!(store.get(&hash).unwrap().as_deref(), Some(&b"delta"[..]));
		assert_eq!(store.get(&[7; 32]).unwrap(), None);
		let _ = std::fs::remove_dir_all(store.dir());
	}

	#[test]
	fn more_than_the_delta_limit_is_refused() {
		let store = temp_store("limit");
		let big = vec![0u8; MAX_CHECKPOINT_BYTES + 1];
		assert!(store.put(&big).is_err());
		let _ = std::fs::remove_dir_all(store.dir());
	}
}
