//! Weights this runtime measured itself (`scripts/bench.sh`) for FRAME parts
//! whose defaults assume another database or another fee path: the
//! transaction extensions every signed transaction pays for.

pub mod frame_system_extensions;
pub mod pallet_transaction_payment;
