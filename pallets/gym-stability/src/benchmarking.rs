//! Benchmarks of `pallet-gym-stability` (frame-benchmarking v2).
//!
//! The buyback is measured on the runtime's GYM/USDT pool with a fresh
//! oracle price; the tax as its worst case, a taxed transfer charged and
//! then refunded, by a sender with volume in the window.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, EnsureOrigin, Get};
use gym_primitives::traits::EpochClock;
use gym_primitives::{
	prices::{PriceKey, RollingVolume, TaxBracket, USDT},
	Balance, GYM,
};
use sp_runtime::{FixedU128, Perbill};

/// A sender with volume in its window, and a transfer of a tenth of the
/// issuance it can pay with its tax.
fn taxed_transfer<T: Config>() -> (T::AccountId, Transfer<T::AccountId>) {
	let who: T::AccountId = whitelisted_caller();
	let dest: T::AccountId = account("dest", 0, 0);
	let base: Balance = 1_000_000 * GYM;
	TaxBase::<T>::put(base);
	T::Currency::set_balance(&who, base);
	let mut volume = RollingVolume::default();
	volume.add(0, base / 100);
	Volumes::<T>::insert(&who, volume);
	(who, Transfer { dest, moved: Moved::Exact(base / 10), keep_alive: true })
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_pricing() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let pricing = FineTuningPricing { usd: Some(FixedU128::from_u32(12)), gym: 90 * GYM };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, pricing);

		assert_eq!(Pricing::<T>::get(), pricing);
		Ok(())
	}

	#[benchmark]
	fn set_buyback() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let config = BuybackConfig {
			floor: FixedU128::from_rational(1, 10),
			per_period: 1_000 * USDT,
			max_slippage: T::MaxSlippage::get(),
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, config);

		assert_eq!(Buyback::<T>::get(), config);
		Ok(())
	}

	#[benchmark]
	fn set_brackets(n: Linear<1, { T::MaxBrackets::get() }>) -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let brackets: Vec<TaxBracket> = (1..=n)
			.map(|i| TaxBracket {
				above: Perbill::from_rational(i, 1_000),
				rate: Perbill::from_rational(i, 100),
			})
			.collect();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, brackets);

		assert_eq!(Brackets::<T>::get().len(), n as usize);
		Ok(())
	}

	/// A buyback of 100 USDT on a pool at the oracle's price.
	#[benchmark]
	fn order_buyback() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let treasury = T::Treasury::get();
		T::Stable::fund(&treasury, 1_000 * USDT);
		T::Currency::set_balance(&treasury, 1_000 * GYM);
		// Whatever the pool's price, the oracle agrees with it.
		let out =
			T::Stable::quote_gym(100 * USDT).ok_or(BenchmarkError::Stop("a GYM/USDT pool"))?;
		T::BenchmarkHelper::set_price(PriceKey::GymUsd, FixedU128::from_rational(100 * GYM, out));
		Buyback::<T>::mutate(|c| c.max_slippage = T::MaxSlippage::get());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 100 * USDT);

		assert_eq!(BuybackHistory::<T>::get().len(), 1);
		Ok(())
	}

	/// A block that starts a period but buys nothing (the price is above
	/// the floor) and starts no bucket.
	#[benchmark]
	fn on_initialize_idle() {
		TaxBase::<T>::put(GYM);
		Buyback::<T>::put(BuybackConfig {
			floor: FixedU128::from_rational(1, 10),
			per_period: 1_000 * USDT,
			max_slippage: T::MaxSlippage::get(),
		});
		T::BenchmarkHelper::set_price(PriceKey::GymUsd, FixedU128::from_u32(1));
		let start = T::Epochs::epoch_start(1);
		#[block]
		{
			let _ = Pallet::<T>::on_block(start);
		}
		assert!(BuybackHistory::<T>::get().is_empty());
	}

	/// A block that starts a bucket: the issuance is read.
	#[benchmark]
	fn on_initialize_bucket() {
		let n = T::BucketBlocks::get();
		#[block]
		{
			let _ = Pallet::<T>::on_block(n);
		}
		assert!(TaxBase::<T>::get() > 0);
	}

	/// A taxed transfer charged, by a sender with volume in the window.
	#[benchmark]
	fn charge_transfer_tax() -> Result<(), BenchmarkError> {
		let (who, transfer) = taxed_transfer::<T>();
		let quote = Pallet::<T>::quote(&who, &transfer).ok_or(BenchmarkError::Stop("taxed"))?;
		assert!(quote.tax > 0);
		let charged;

		#[block]
		{
			charged = Pallet::<T>::charge(&who, &transfer, 0);
		}

		assert!(matches!(charged, Ok(Some(_))));
		assert_eq!(TaxCollected::<T>::get(), quote.tax);
		Ok(())
	}

	/// A charged transfer's tax refunded after the transfer failed.
	#[benchmark]
	fn refund_transfer_tax() -> Result<(), BenchmarkError> {
		let (who, transfer) = taxed_transfer::<T>();
		let charged = Pallet::<T>::charge(&who, &transfer, 0)
			.ok()
			.flatten()
			.ok_or(BenchmarkError::Stop("a taxed transfer it can pay"))?;
		let tax = charged.tax;

		#[block]
		{
			Pallet::<T>::refund(charged);
		}

		frame_system::Pallet::<T>::assert_last_event(
			Event::<T>::TransferTaxRefunded { who, tax }.into(),
		);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
