// CNNLight (CUTTING_PLANE.md §5) as PyTorch source, for the tests that run PyTorch itself.
export const pytorchCnnLight = String.raw`
class CNNLight(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc1 = nn.Linear(7 * 7 * 16, 50)
        self.fc2 = nn.Linear(50, 10)
    def forward(self, x):
        x = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))
`;
