//! The pallets whose benchmarks `wattle-node benchmark pallet` runs (see scripts/benchmark.sh).

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_participants, Participants]
	[pallet_orders, Orders]
	[pallet_metering, Metering]
	[pallet_clearing, Clearing]
	[pallet_settlement, Settlement]
	[pallet_validators, Validators]
);
