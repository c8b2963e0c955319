//! The types of the products pallet: a registered model, a licence's terms,
//! an inference provider, a payment channel and a signed receipt.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use gym_primitives::{mining::Micro, Balance, BlockNumber, ModelId};
use scale_info::TypeInfo;
use sp_core::H256;

/// A trained model in the registry: what its training job produced (the
/// checkpoint its committee voted, the losses its validators reported;
/// nothing its owner claims), who owns it and whether calling it needs
/// access.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct ModelEntry<AccountId> {
	/// The compute-mining job that trained it; `None` for a model the
	/// chain's genesis registered (a development fixture).
	pub job: Option<u32>,
	/// The architecture trained (an id below
	/// [`gym_primitives::products::FIRST_TRAINED_MODEL_ID`]).
	pub architecture: ModelId,
	/// The hash of the final checkpoint.
	pub checkpoint: H256,
	/// The last round trained.
	pub round: u32,
	/// The last round's lowest training loss after one accepted delta (each
	/// delta's median report), in millionths: the job's loss curve. Not a
	/// measurement of the aggregated checkpoint itself, and `loss` and
	/// `val_loss` may come from different deltas.
	pub loss: Micro,
	/// The last round's lowest validation loss after one accepted delta
	/// (each delta's median report), in millionths.
	pub val_loss: Micro,
	/// Who owns it: the job's customer, or the treasury for a governance
	/// job (then governance acts for it).
	pub owner: AccountId,
	/// Whether calling it needs access (a licence, a subscription or an
	/// access grant).
	pub premium: bool,
	/// The block it was registered in.
	pub registered_at: BlockNumber,
}

/// A model owner's offer of time-limited access to its model.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct LicenceTerms {
	/// What one licence costs, in planck.
	pub price: Balance,
	/// How many blocks one licence adds.
	pub duration: BlockNumber,
}

/// A registered inference provider: what it asks per call (advertised; the
/// chain settles whatever its customers' receipts say) and where to reach
/// it.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxEndpointLen))]
#[codec(mel_bound())]
pub struct ProviderInfo<MaxEndpointLen: Get<u32>> {
	/// The advertised price of one call, in planck.
	pub price_per_call: Balance,
	/// The provider's endpoint (a URL), as UTF-8 bytes.
	pub endpoint: BoundedVec<u8, MaxEndpointLen>,
}

/// A customer's payment channel with a provider: the GYM the customer put
/// in escrow for it and what the provider's receipts have taken so far.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
	/// The channel's number between this customer and provider: receipts
	/// must name it, and it grows each time the channel is closed.
	pub nonce: u32,
	/// Every planck ever deposited on this channel.
	pub deposit: Balance,
	/// The cumulative amount settled so far: the newest settled receipt's.
	pub settled: Balance,
	/// The block from which the customer may withdraw the rest, once it
	/// asked to.
	pub unlock_at: Option<BlockNumber>,
}

impl Channel {
	/// What is still in escrow: deposited and not settled.
	pub fn unsettled(&self) -> Balance {
		self.deposit.saturating_sub(self.settled)
	}
}

/// A customer's receipt as its provider submits it: "I owe this provider
/// `cumulative` planck in total on our channel `nonce`", signed by the
/// customer over [`gym_primitives::products::ReceiptPayload`]'s signing
/// bytes (or their polkadot.js `<Bytes>` wrapping).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SignedReceipt<AccountId, Signature> {
	/// Who pays (and signed).
	pub customer: AccountId,
	/// The channel's nonce the receipt was signed for.
	pub nonce: u32,
	/// Everything owed on the channel so far, in planck.
	pub cumulative: Balance,
	/// The customer's signature of the receipt payload.
	pub signature: Signature,
}

/// A model a chain's genesis registers (development chains: something to
/// buy, license and serve before any job has finished). Its losses are
/// not measured: `Micro::MAX`.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenesisModel<AccountId> {
	/// The architecture (an id below
	/// [`gym_primitives::products::FIRST_TRAINED_MODEL_ID`]).
	pub architecture: ModelId,
	/// The hash of its checkpoint.
	pub checkpoint: H256,
	/// Its owner; `None`: the treasury.
	pub owner: Option<AccountId>,
	/// Whether calling it needs access.
	pub premium: bool,
}
