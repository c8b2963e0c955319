//! The pallets whose benchmarks `gym-node benchmark pallet` can run (only in
//! a runtime built with `--features runtime-benchmarks`; see
//! `scripts/bench.sh`).

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_gym_emission, GymEmission]
	[pallet_tiered_staking, TieredStaking]
	[pallet_revenue_split, RevenueSplit]
	[pallet_compute_mining, ComputeMining]
	[pallet_gym_validators, GymValidators]
	[pallet_gym_governance, GymGovernance]
	[pallet_gym_liquidity, GymLiquidity]
	[pallet_oracle, Oracle]
	[pallet_gym_stability, GymStability]
	[pallet_gym_products, GymProducts]
);
