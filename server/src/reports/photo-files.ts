// The photo checks are shared with the hazard register (hazards/): they live in the kernel.
export * from '../common/files/photo-files';
